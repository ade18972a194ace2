CREATE TABLE parent (
	id SERIAL NOT NULL, 
	PRIMARY KEY (id)
);

CREATE TABLE pair (
	"left" INTEGER NOT NULL, 
	"right" VARCHAR(5) NOT NULL, 
	PRIMARY KEY ("left", "right")
);

CREATE TABLE counter (
	id BIGSERIAL NOT NULL, 
	small SMALLINT, 
	PRIMARY KEY (id)
);

CREATE TABLE manual (
	id INTEGER NOT NULL, 
	PRIMARY KEY (id)
);

CREATE TABLE child (
	id INTEGER NOT NULL, 
	child_code VARCHAR(8) NOT NULL, 
	parent_ref INTEGER, 
	flag BOOLEAN, 
	notes TEXT, 
	PRIMARY KEY (id), 
	FOREIGN KEY(id) REFERENCES parent (id), 
	FOREIGN KEY(parent_ref) REFERENCES parent (id)
);

CREATE UNIQUE INDEX ix_child_flag ON child (flag);

COMMENT ON COLUMN child.child_code IS 'the code';

