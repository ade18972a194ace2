CREATE TABLE team (
	id INTEGER NOT NULL, 
	name VARCHAR(40) NOT NULL, 
	captain_id INTEGER, 
	PRIMARY KEY (id), 
	CONSTRAINT fk_team_captain FOREIGN KEY(captain_id) REFERENCES player (id) ON DELETE SET NULL
);

CREATE TABLE player (
	id INTEGER NOT NULL, 
	team_id INTEGER NOT NULL, 
	mentor_id INTEGER, 
	PRIMARY KEY (id), 
	FOREIGN KEY(team_id) REFERENCES team (id), 
	FOREIGN KEY(mentor_id) REFERENCES player (id)
);

CREATE TABLE fixture (
	id INTEGER NOT NULL, 
	home_id INTEGER NOT NULL, 
	referee_id INTEGER, 
	PRIMARY KEY (id), 
	FOREIGN KEY(home_id) REFERENCES team (id), 
	FOREIGN KEY(referee_id) REFERENCES player (id)
);

