"""Demo data: the labelled proposal corpus and the people, agents and policies around it."""
