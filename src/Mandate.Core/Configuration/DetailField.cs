namespace Mandate.Core.Configuration;

/// <summary>One declared field: its kind and whether a request must include it.</summary>
public sealed record DetailField(DetailFieldKind Kind, bool Required);
