CREATE TABLE person (
	created_at DATETIME NOT NULL, 
	updated_at DATETIME, 
	id INTEGER NOT NULL, 
	slug VARCHAR(40), 
	name VARCHAR(80), 
	PRIMARY KEY (id), 
	UNIQUE (slug)
);

CREATE TABLE lineitem (
	id INTEGER NOT NULL, 
	qty INTEGER, 
	PRIMARY KEY (id)
);

CREATE TABLE document (
	created_at DATETIME NOT NULL, 
	updated_at DATETIME, 
	id INTEGER NOT NULL, 
	title VARCHAR(200), 
	owner_id INTEGER NOT NULL, 
	PRIMARY KEY (id), 
	UNIQUE (title), 
	FOREIGN KEY(owner_id) REFERENCES person (id)
);

