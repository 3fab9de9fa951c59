using Mandate.Policy;

namespace Mandate.Core.Decisions;

/// <summary>The policy's decision about one tool of a request, with the scopes it was asked about.</summary>
public sealed record ToolDecision(string Tool, IReadOnlyList<string> Scopes, Decision Decision);
