namespace Mandate.Core.Configuration;

/// <summary>
/// An RFC 9396 authorization details type a tool accepts (configured under
/// <c>tools[].authorization_details_types</c>), with its field schema. Fields not declared are refused.
/// </summary>
public sealed record AuthorizationDetailsType
{
    /// <summary>The <c>type</c> value, e.g. <c>refund</c>.</summary>
    public required string Type { get; init; }

    /// <summary>Field name → kind and requiredness (written <c>amount: number</c>, optional <c>note: string?</c>).</summary>
    public required IReadOnlyDictionary<string, DetailField> Fields { get; init; }
}
