using Mandate.Core.Introspection;

namespace Mandate.Server.Proxy;

/// <summary>A verified tool credential the proxy acts on: the token, its claims, and the rule that granted it.</summary>
internal sealed record ProxyCredential(string Token, IssuedToken Claims, string? Rule);
