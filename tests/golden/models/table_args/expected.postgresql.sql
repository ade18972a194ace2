CREATE TABLE account (
	id SERIAL NOT NULL, 
	org VARCHAR(20) NOT NULL, 
	code VARCHAR(20) NOT NULL, 
	PRIMARY KEY (id)
);

CREATE TABLE membership (
	account_id INTEGER NOT NULL, 
	role VARCHAR(10) NOT NULL, 
	org VARCHAR(20), 
	level INTEGER NOT NULL, 
	boss_id INTEGER, 
	CONSTRAINT membership_pk PRIMARY KEY (account_id, role), 
	CONSTRAINT uq_member_org UNIQUE (account_id, org), 
	CONSTRAINT level_positive CHECK (level >= 0), 
	CONSTRAINT fk_member_account FOREIGN KEY(account_id) REFERENCES account (id) ON DELETE CASCADE, 
	UNIQUE (org), 
	UNIQUE (boss_id), 
	FOREIGN KEY(boss_id) REFERENCES account (id) ON DELETE SET NULL ON UPDATE CASCADE
);

CREATE UNIQUE INDEX ix_member_active ON membership (org, level) WHERE level > 0;

CREATE INDEX ix_member_level ON membership (level);

CREATE INDEX ix_membership_level ON membership (level);

COMMENT ON TABLE membership IS 'who belongs where';

CREATE TABLE audit.audit (
	id SERIAL NOT NULL, 
	account_id INTEGER, 
	PRIMARY KEY (id), 
	CONSTRAINT fk_audit_account FOREIGN KEY(account_id) REFERENCES account (id) DEFERRABLE INITIALLY DEFERRED
);

CREATE TABLE entry (
	id SERIAL NOT NULL, 
	audit_id INTEGER, 
	a INTEGER, 
	b INTEGER, 
	PRIMARY KEY (id), 
	UNIQUE (a, b), 
	CHECK (a <> b), 
	FOREIGN KEY(audit_id) REFERENCES audit.audit (id)
);

