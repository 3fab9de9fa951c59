using Mandate.Core.Introspection;

namespace Mandate.Server.Proxy;

/// <summary>
/// A verified tool credential the proxy acts on: the token, its claims, the rule that granted it, and whether it came as
/// <c>Authorization: DPoP</c> (a refusal then challenges with the DPoP scheme, RFC 9449 §7.1).
/// </summary>
internal sealed record ProxyCredential(string Token, IssuedToken Claims, string? Rule, bool PresentedAsDpop = false);
