namespace Mandate.Core.Exchange;

/// <summary>What a token request asks for; each step handles only the kinds that are its business.</summary>
public enum ExchangeKind
{
    /// <summary>An access token for one tool (RFC 9068).</summary>
    ToolCredential,

    /// <summary>A run token (<c>requested_token_type=urn:ietf:params:oauth:token-type:txn_token</c>).</summary>
    RunToken,
}
