CREATE TABLE customer (
	id UUID NOT NULL, 
	email VARCHAR(255) NOT NULL, 
	site TEXT, 
	prefs JSON, 
	tier VARCHAR(1), 
	kind VARCHAR(255), 
	joined TIMESTAMP WITHOUT TIME ZONE, 
	locale VARCHAR(10), 
	legacy_id UUID, 
	balance NUMERIC(12, 2) NOT NULL, 
	"where" VARCHAR(40), 
	PRIMARY KEY (id), 
	UNIQUE (email)
);

