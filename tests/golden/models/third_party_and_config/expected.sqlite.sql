CREATE TABLE customer (
	id CHAR(32) NOT NULL, 
	email VARCHAR(255) NOT NULL, 
	site TEXT, 
	prefs TEXT, 
	tier VARCHAR(1), 
	kind VARCHAR(255), 
	joined DATETIME, 
	locale VARCHAR(10), 
	legacy_id BINARY(16), 
	balance NUMERIC(12, 2) NOT NULL, 
	"where" VARCHAR(40), 
	PRIMARY KEY (id), 
	UNIQUE (email)
);

