// A runaway loop: must be stopped after UnresponsiveTimeout without harming anyone else.
while (true) {}
