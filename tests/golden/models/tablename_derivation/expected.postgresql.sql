CREATE TABLE http_response_code2 (
	id SERIAL NOT NULL, 
	PRIMARY KEY (id)
);

CREATE TABLE o_auth2_token (
	id SERIAL NOT NULL, 
	PRIMARY KEY (id)
);

CREATE TABLE user_profile (
	id SERIAL NOT NULL, 
	PRIMARY KEY (id)
);

CREATE TABLE some_xml_parser (
	id SERIAL NOT NULL, 
	PRIMARY KEY (id)
);

CREATE TABLE i_pv4_address (
	id SERIAL NOT NULL, 
	PRIMARY KEY (id)
);

CREATE TABLE explicit_name (
	id SERIAL NOT NULL, 
	PRIMARY KEY (id)
);

