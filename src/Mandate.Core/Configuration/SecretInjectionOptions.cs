namespace Mandate.Core.Configuration;

/// <summary>How the egress proxy presents a tool's vaulted secret upstream (<c>secret:</c> of a <c>kind: secret</c> tool).</summary>
public sealed record SecretInjectionOptions
{
    /// <summary>The placeholder in <see cref="Format"/> that the secret replaces.</summary>
    public const string Placeholder = "{secret}";

    /// <summary>Request header that carries the secret, e.g. <c>Authorization</c> or <c>X-Api-Key</c>. Default <c>Authorization</c>.</summary>
    public string Header { get; init; } = "Authorization";

    /// <summary>Header value with <c>{secret}</c> where the secret goes. Default <c>Bearer {secret}</c>.</summary>
    public string Format { get; init; } = "Bearer " + Placeholder;

    /// <summary>The header value for <paramref name="secret"/>.</summary>
    public string Render(string secret) => Format.Replace(Placeholder, secret, StringComparison.Ordinal);
}
