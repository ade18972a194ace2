CREATE TABLE employee (
	id SERIAL NOT NULL, 
	name VARCHAR(50), 
	type VARCHAR(20), 
	language VARCHAR(30), 
	level INTEGER NOT NULL, 
	PRIMARY KEY (id), 
	UNIQUE (level)
);

CREATE TABLE manager (
	id INTEGER NOT NULL, 
	budget NUMERIC(10, 2), 
	PRIMARY KEY (id), 
	FOREIGN KEY(id) REFERENCES employee (id)
);

CREATE TABLE director_table (
	id INTEGER NOT NULL, 
	office VARCHAR(10), 
	PRIMARY KEY (id), 
	FOREIGN KEY(id) REFERENCES manager (id)
);

