# Thin names for the commands README.md gives; each target is exactly that command.
.PHONY: build test run demo bench docker-up format

build:
	dotnet build Chat.sln

# Every test, as CI runs it (.ci/run): builds, checks formatting, runs all test projects.
test:
	./scripts/test.sh

# The whole system in one process on http://localhost:8080.
run:
	dotnet run --project src/Host

# The four demos against CHAT_URL (default http://localhost:8080; started embedded if nothing answers).
demo:
	./demos/run-all.sh

bench:
	dotnet run -c Release --project loadtest/LoadTest

docker-up:
	docker compose up --build -d

# Fails when the code is not formatted as .editorconfig says (the test command runs it too).
format:
	dotnet format Chat.sln --verify-no-changes
