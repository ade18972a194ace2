CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy');

CREATE TABLE document (
	id UUID DEFAULT gen_random_uuid() NOT NULL, 
	data JSONB DEFAULT '{}'::jsonb NOT NULL, 
	meta JSON, 
	tags VARCHAR(20)[], 
	grid INTEGER[][], 
	origin INET, 
	search TSVECTOR, 
	raw BYTEA, 
	ratio DOUBLE PRECISION, 
	at TIMESTAMP WITH TIME ZONE, 
	mood mood, 
	PRIMARY KEY (id)
);

