CREATE TYPE status AS ENUM ('ACTIVE', 'SUSPENDED', 'DELETED');

CREATE TYPE ticket_priority AS ENUM ('low', 'high');

CREATE TYPE ticket_kind AS ENUM ('bug', 'feature', 'question');

CREATE TABLE ticket (
	id SERIAL NOT NULL, 
	status status NOT NULL, 
	priority ticket_priority, 
	kind ticket_kind, 
	plain VARCHAR(2), 
	PRIMARY KEY (id)
);

CREATE TABLE comment (
	id SERIAL NOT NULL, 
	status status, 
	PRIMARY KEY (id)
);

