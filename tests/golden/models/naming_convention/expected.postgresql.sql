CREATE TABLE author (
	id SERIAL NOT NULL, 
	email VARCHAR(100), 
	handle VARCHAR(30), 
	CONSTRAINT pk_author PRIMARY KEY (id), 
	CONSTRAINT uq_author_email UNIQUE (email)
);

CREATE INDEX ix_author_handle ON author (handle);

CREATE TABLE book (
	id SERIAL NOT NULL, 
	title VARCHAR(100), 
	isbn VARCHAR(13), 
	pages INTEGER, 
	author_id INTEGER, 
	editor_id INTEGER, 
	code VARCHAR(10), 
	CONSTRAINT pk_book PRIMARY KEY (id), 
	CONSTRAINT ck_book_pages_positive CHECK (pages > 0), 
	CONSTRAINT uq_book_title UNIQUE (title, author_id), 
	CONSTRAINT explicit_isbn UNIQUE (isbn), 
	CONSTRAINT fk_book_author_id_author FOREIGN KEY(author_id) REFERENCES author (id), 
	CONSTRAINT explicit_editor_fk FOREIGN KEY(editor_id) REFERENCES author (id)
);

CREATE UNIQUE INDEX ix_book_code ON book (code);

