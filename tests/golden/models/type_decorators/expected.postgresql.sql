CREATE TABLE wallet (
	id SERIAL NOT NULL, 
	data TEXT, 
	owner VARCHAR(64) NOT NULL, 
	balance NUMERIC(12, 2), 
	spare NUMERIC(12, 2), 
	PRIMARY KEY (id)
);

