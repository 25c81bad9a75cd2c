# lambda2fargate — one handler, shipped as a Lambda (SAM) and as a public ECS Fargate service.
# `make help` lists the targets. Options are make variables, e.g. `make deploy-ecs ENV=prod DRY_RUN=1`.

SHELL := /bin/bash
.DEFAULT_GOAL := help

# Options passed to every script through the environment.
ENV ?=
MANIFEST ?=
DRY_RUN ?=
YES ?=
ADOPT ?=
OUTPUT ?=
FOLLOW ?=
SINCE ?=
LAMBDA ?=
NO_DOCKER ?=
DURATION ?=
CONNECTIONS ?=
BENCH_REPORT ?=
LOCAL_PORT ?=
LAMBDA_PORT ?=
FUNCTION ?=
CODE ?=
FORCE ?=
# make cost
DAYS ?=
RPS ?=
PEAK_RPS ?=
DURATION_MS ?=
MEMORY_MB ?=
ARCH ?=
RPS_PER_TASK ?=
OFFLINE ?=
FREE_TIER ?=
CHART ?=
export ENV MANIFEST DRY_RUN YES ADOPT OUTPUT FOLLOW SINCE LAMBDA NO_DOCKER DURATION CONNECTIONS BENCH_REPORT LOCAL_PORT LAMBDA_PORT
export FUNCTION CODE FORCE
export DAYS RPS PEAK_RPS DURATION_MS MEMORY_MB ARCH RPS_PER_TASK OFFLINE FREE_TIER CHART
# make deploy-ecs / redeploy, make local
FORCE_NEW_DEPLOYMENT ?=
LOCAL_SECRETS ?=
export FORCE_NEW_DEPLOYMENT LOCAL_SECRETS

NODE ?= node
RUN := $(NODE) --import tsx
DEPS := node_modules/.installed

.PHONY: help install init deploy-lambda deploy-ecs redeploy plan diff validate status logs clean local bench cost test test-unit test-docker typecheck node-check

help: ## List the targets and their options
	@echo "lambda2fargate — make <target> [ENV=<environment>] [MANIFEST=<file>] [DRY_RUN=1] [YES=1]"
	@echo
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{ printf "  %-14s %s\n", $$1, $$2 }'
	@echo
	@echo "AWS settings come from the standard chain: AWS_PROFILE, AWS_REGION, AWS_ENDPOINT_URL."
	@echo "Scripts exit 0 on success, 1 on a failure in AWS/Docker/the network, 2 on bad input;"
	@echo "make itself reports any failure as 2 — 'npm run <target>' passes the script's own code through."

node-check:
	@$(NODE) -e 'const [M]=process.versions.node.split(".").map(Number); if (M < 22) { console.error("node: version " + process.versions.node + " is too old — lambda2fargate needs Node 22 or newer (24 recommended); put it first on PATH"); process.exit(2) }'

$(DEPS): package.json package-lock.json | node-check
	npm ci --no-audit --no-fund
	@touch $@

install: $(DEPS) ## Install the project's dependencies (every target does this itself when needed)

init: $(DEPS) ## Write the manifests from a deployed Lambda function: FUNCTION=<name or ARN> [ENV, CODE=1 (its code too), FORCE=1, OUTPUT=json, MANIFEST]
	@$(RUN) scripts/init.ts

local: $(DEPS) ## Run both halves on this machine, no AWS account needed [NO_DOCKER=1, LOCAL_PORT, LAMBDA_PORT, LOCAL_SECRETS=1]
	@$(RUN) scripts/local.ts

deploy-lambda: $(DEPS) ## Build and deploy the Lambda + Function URL with SAM, then call it [ENV, DRY_RUN]
	@$(RUN) scripts/deploy-lambda.ts

deploy-ecs: $(DEPS) ## Build, push and deploy the public Fargate service, then call it [ENV, MANIFEST, DRY_RUN, FORCE_NEW_DEPLOYMENT=1, ADOPT=1]
	@$(RUN) scripts/deploy-ecs.ts

redeploy: $(DEPS) ## deploy-ecs that also replaces the tasks when nothing changed, so they read rotated secrets [ENV, MANIFEST, DRY_RUN]
	@FORCE_NEW_DEPLOYMENT=1 $(RUN) scripts/deploy-ecs.ts

plan: $(DEPS) ## Show what deploy-ecs would create or change, without writing anything [ENV, MANIFEST]
	@DRY_RUN=1 $(RUN) scripts/deploy-ecs.ts

diff: plan ## Same as plan

validate: $(DEPS) ## Check a manifest and print the resolved values [ENV, MANIFEST]
	@$(RUN) scripts/validate.ts

status: $(DEPS) ## Show the service, its deployments, tasks and URLs, and the Lambda URL [ENV, OUTPUT=json]
	@$(RUN) scripts/status.ts

logs: $(DEPS) ## Show the service's log lines [ENV, SINCE=10m, FOLLOW=1, LAMBDA=1]
	@$(RUN) scripts/logs.ts

clean: $(DEPS) ## Delete everything the tool created for the environment [ENV, YES=1, DRY_RUN=1]
	@$(RUN) scripts/clean.ts

bench: $(DEPS) ## Measure throughput, latency, image size, cold start and deploy calls; writes bench/REPORT.md [DURATION=10, CONNECTIONS=50, BENCH_REPORT]
	@$(RUN) scripts/bench.ts

cost: $(DEPS) ## Is Fargate cheaper than Lambda for the function's real traffic? Table, break-even, SVG chart [DAYS=14, FUNCTION, RPS, PEAK_RPS, DURATION_MS, MEMORY_MB, ARCH, RPS_PER_TASK, OFFLINE=1, FREE_TIER=1, CHART=cost.svg, OUTPUT=json]
	@$(RUN) scripts/cost.ts

typecheck: $(DEPS) ## Type-check every TypeScript file (strict)
	@npx tsc --noEmit -p tsconfig.json

# Every fake AWS a test starts records the requests it refused (AWS's rules) under one folder; the
# last test (test/fake-aws/violations.final.ts) fails if any of them was not sent on purpose.
CHECKED_RUN = dir=$$(mktemp -d); status=0; \
	L2F_FAKE_AWS_VIOLATIONS=$$dir $(1) || status=$$?; \
	L2F_FAKE_AWS_VIOLATIONS=$$dir $(NODE) --import tsx --test test/fake-aws/violations.final.ts || status=1; \
	rm -rf $$dir; exit $$status

test: $(DEPS) typecheck ## Run every test tier (unit, real sockets, Docker, end to end), then check no request broke AWS's rules
	@$(call CHECKED_RUN,$(NODE) --import tsx --test --test-concurrency=2 --test-timeout=600000 'test/**/*.test.ts')

test-unit: $(DEPS) ## Run only the tests that need no Docker (Docker tests report as skipped), then the same check
	@$(call CHECKED_RUN,L2F_NO_DOCKER=1 $(NODE) --import tsx --test --test-concurrency=2 'test/**/*.test.ts')
