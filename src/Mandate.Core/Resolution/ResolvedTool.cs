using Mandate.Core.Configuration;

namespace Mandate.Core.Resolution;

/// <summary>The tool a credential is for, and the scopes asked of it (each defined by the tool, inside the run if any).</summary>
public sealed record ResolvedTool(ToolOptions Tool, IReadOnlyList<string> Scopes);
