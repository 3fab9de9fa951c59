namespace Mandate.Testing;

/// <summary>A person who can sign in at <see cref="OidcProviderProcess"/>; <paramref name="Roles"/> is the ID token's <c>roles</c> claim.</summary>
public sealed record OidcTestUser(string Id, string Password, string Name, IReadOnlyList<string> Roles);

/// <summary>A client registered at <see cref="OidcProviderProcess"/> with RFC 7591 dynamic registration.</summary>
public sealed record OidcTestClient(string ClientId, string ClientSecret);
