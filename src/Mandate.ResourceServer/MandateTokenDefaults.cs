namespace Mandate.ResourceServer;

/// <summary>Names shared by the handler, the authorization helpers and tool services.</summary>
public static class MandateTokenDefaults
{
    /// <summary>The default authentication scheme name registered by <c>AddMandateToken()</c>.</summary>
    public const string AuthenticationScheme = "Mandate";

    /// <summary>RFC 9068 §4: the <c>typ</c> header of a JWT access token (the media-type form is accepted too).</summary>
    public const string AccessTokenType = "at+jwt";

    /// <summary>RFC 8414 §3: where the broker publishes its metadata, relative to the issuer.</summary>
    public const string MetadataPath = "/.well-known/oauth-authorization-server";
}
