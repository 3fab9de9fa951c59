namespace Mandate.Core.Exchange;

/// <summary>The form parameters of one RFC 8693 request, already checked by the host for duplicates and encoding.</summary>
public sealed record TokenExchangeRequest(IReadOnlyDictionary<string, string> Parameters)
{
    public string? this[string name] => Parameters.GetValueOrDefault(name);

    /// <summary>The client certificate and DPoP proof the host validated for this request (docs/sender-constraint.md).</summary>
    public SenderBinding Binding { get; init; } = SenderBinding.None;
}
