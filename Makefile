# The two commands of the README. Everything else is a step of theirs.
MVN ?= mvn
MVN_FLAGS ?= -B -ntp

.PHONY: demo test setup build clean

demo: setup build
	bin/smm sandbox up --demo

# --fail-at-end: a failing module still lets every module that does not depend on it run its tests.
test: setup
	$(MVN) $(MVN_FLAGS) --fail-at-end verify

setup:
	scripts/setup

build:
	$(MVN) $(MVN_FLAGS) -q package -DskipTests

clean:
	$(MVN) $(MVN_FLAGS) -q clean
