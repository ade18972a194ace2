CREATE TABLE http_response_code2 (
	id INTEGER NOT NULL, 
	PRIMARY KEY (id)
);

CREATE TABLE o_auth2_token (
	id INTEGER NOT NULL, 
	PRIMARY KEY (id)
);

CREATE TABLE user_profile (
	id INTEGER NOT NULL, 
	PRIMARY KEY (id)
);

CREATE TABLE some_xml_parser (
	id INTEGER NOT NULL, 
	PRIMARY KEY (id)
);

CREATE TABLE i_pv4_address (
	id INTEGER NOT NULL, 
	PRIMARY KEY (id)
);

CREATE TABLE explicit_name (
	id INTEGER NOT NULL, 
	PRIMARY KEY (id)
);

