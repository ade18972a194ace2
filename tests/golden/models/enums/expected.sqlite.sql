CREATE TABLE ticket (
	id INTEGER NOT NULL, 
	status VARCHAR(9) NOT NULL, 
	priority VARCHAR(4), 
	kind VARCHAR(8), 
	plain VARCHAR(2), 
	PRIMARY KEY (id)
);

CREATE TABLE comment (
	id INTEGER NOT NULL, 
	status VARCHAR(9), 
	PRIMARY KEY (id)
);

