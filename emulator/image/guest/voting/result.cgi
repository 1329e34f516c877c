#!/bin/sh
# The `result` service's page: the counts the worker keeps in db (a hash `counts`), one line per choice.
printf 'Content-Type: text/plain\r\n\r\n'
if ! counts=$(redis-cli -h db HGETALL counts 2>/dev/null); then
	echo "db does not answer"
	exit 0
fi
cats=0 dogs=0
set -- $counts
while [ $# -ge 2 ]; do
	case "$1" in
	cats) cats=$2 ;;
	dogs) dogs=$2 ;;
	esac
	shift 2
done
echo "cats: $cats"
echo "dogs: $dogs"
echo "served by $(hostname)"
