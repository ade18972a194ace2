CREATE TABLE document (
	id INTEGER NOT NULL, 
	lang VARCHAR(5) NOT NULL, 
	current_id INTEGER, 
	PRIMARY KEY (id, lang)
);

CREATE TABLE revision (
	id SERIAL NOT NULL, 
	doc_id INTEGER NOT NULL, 
	doc_lang VARCHAR(5) NOT NULL, 
	body TEXT, 
	PRIMARY KEY (id), 
	FOREIGN KEY(doc_id, doc_lang) REFERENCES document (id, lang)
);

ALTER TABLE document ADD FOREIGN KEY(current_id) REFERENCES revision (id) ON DELETE SET NULL;

