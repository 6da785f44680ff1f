# Shared settings for the test-host scripts (sourced, not run).
DOCKER=/usr/bin/docker   # the engine's own client; another `docker` may come first on PATH
IMAGE=${SWIFTPLAY_TESTHOST_IMAGE:-swiftplay-testhost:debian12}
CACHE=${SWIFTPLAY_CACHE:-$HOME/.cache/swiftplay}
KEYDIR=$CACHE/testhost-keys
RUNDIR=${SWIFTPLAY_HOSTS_DIR:-$CACHE/hosts}
LABEL=swiftplay.testhost=1
