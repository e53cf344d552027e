/** What the gateway suites read off a mock run: resources by type, and the task's containers. */
import { expect } from "vitest";
import { MockRun, RecordedResource } from "../../mockrun";

/** The mocks' answer for every random.RandomPassword (mockrun/outputs.ts). */
export const MOCK_RANDOM = "mock-random-password-0123456789abcdef";

export const of = (run: MockRun, type: string): RecordedResource[] => run.resources.filter((r) => r.type === type);

/** The one resource of a type; fails the test when there are none or several. */
export const one = (run: MockRun, type: string): RecordedResource => {
    const found = of(run, type);
    expect(found, type).toHaveLength(1);
    return found[0]!;
};

export interface Container { name: string; environment: { name: string; value: string }[]; secrets?: { name: string; valueFrom: string }[]; command?: string[]; image: string }

/** The LiteLLM task definition's containers, as ECS will read them. */
export const containers = (run: MockRun): Container[] => JSON.parse(one(run, "aws:ecs/taskDefinition:TaskDefinition").inputs["containerDefinitions"] as string) as Container[];
