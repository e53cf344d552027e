/** What every part of the gateway component is built with: its names, its environment and its parent. */
import * as pulumi from "@pulumi/pulumi";

export interface GatewayContext {
    /** The component's name: the prefix of every child's logical name. */
    readonly name: string;
    /** The prefix of every name AWS keeps account- or region-wide (`<project>-<stack>-<name>`). */
    readonly physical: string;
    readonly production: boolean;
    /** Tags for a child, with its Name. */
    readonly tags: (suffix: string) => Record<string, string>;
    readonly parent: pulumi.Resource;
}
