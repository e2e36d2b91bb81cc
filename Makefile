# The two commands of the README. Everything else is a step of theirs.
MVN ?= mvn
MVN_FLAGS ?= -B -ntp

.PHONY: demo test setup build clean

demo: setup build
	bin/smm sandbox up --demo

# --fail-at-end: a failing module still lets every module that does not depend on it run its tests.
# -T 2: modules that do not depend on each other (dashboard beside sandbox, operator beside backend)
# build and test at the same time, on the machine's two cores.
test: setup
	$(MVN) $(MVN_FLAGS) -T 2 --fail-at-end verify

setup:
	scripts/setup

build:
	$(MVN) $(MVN_FLAGS) -q package -DskipTests

clean:
	$(MVN) $(MVN_FLAGS) -q clean
