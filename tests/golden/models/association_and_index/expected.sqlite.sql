CREATE TABLE post (
	id INTEGER NOT NULL, 
	title VARCHAR(100), 
	body TEXT, 
	PRIMARY KEY (id)
);

CREATE INDEX ix_post_title_body ON post (title, body);

CREATE TABLE tag (
	id INTEGER NOT NULL, 
	name VARCHAR(30), 
	PRIMARY KEY (id)
);

CREATE TABLE post_tags (
	post_id INTEGER NOT NULL, 
	tag_id INTEGER NOT NULL, 
	PRIMARY KEY (post_id, tag_id), 
	FOREIGN KEY(post_id) REFERENCES post (id) ON DELETE CASCADE, 
	FOREIGN KEY(tag_id) REFERENCES tag (id)
);

CREATE TABLE followers (
	follower_id INTEGER, 
	followed_id INTEGER, 
	UNIQUE (follower_id, followed_id), 
	FOREIGN KEY(follower_id) REFERENCES post (id), 
	FOREIGN KEY(followed_id) REFERENCES post (id)
);

CREATE INDEX ix_followers_followed ON followers (followed_id);

