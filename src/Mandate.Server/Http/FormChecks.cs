using Mandate.Core.Protocol;

namespace Mandate.Server.Http;

/// <summary>
/// Refusals of a request before any grant sees it: the body's media type, size and encoding, repeated
/// parameters (RFC 6749 §3.2), the method, and the <c>token</c> parameter introspection and revocation need (and the
/// bearer token they must not find twice).
/// <see cref="OAuthResponses.StatusFor"/> maps the ones that are not 400 to their status.
/// </summary>
public static class FormChecks
{
    /// <summary>415: the body is not <c>application/x-www-form-urlencoded</c>.</summary>
    public static readonly Check UnsupportedMediaType = new("request.unsupported_media_type", OAuthConstants.Errors.InvalidRequest);

    /// <summary>415: a charset other than UTF-8.</summary>
    public static readonly Check UnsupportedCharset = new("request.unsupported_charset", OAuthConstants.Errors.InvalidRequest);

    /// <summary>415: a compressed body (a <c>Content-Encoding</c> other than identity).</summary>
    public static readonly Check UnsupportedContentEncoding = new("request.unsupported_content_encoding", OAuthConstants.Errors.InvalidRequest);

    /// <summary>413: the body is larger than the form reader accepts.</summary>
    public static readonly Check BodyTooLarge = new("request.body_too_large", OAuthConstants.Errors.InvalidRequest);

    /// <summary>408: the body arrived too slowly.</summary>
    public static readonly Check BodyTimeout = new("request.body_timeout", OAuthConstants.Errors.InvalidRequest);

    /// <summary>400: broken framing, a chunked body cut short, a reset connection.</summary>
    public static readonly Check BodyUnreadable = new("request.body_unreadable", OAuthConstants.Errors.InvalidRequest);

    /// <summary>400: an OAuth parameter in the URL's query instead of the body (RFC 6749 §3.2).</summary>
    public static readonly Check ParameterInQuery = new("request.parameter_in_query", OAuthConstants.Errors.InvalidRequest);

    /// <summary>400: invalid percent-encoding, UTF-8 or a control character in the form.</summary>
    public static readonly Check MalformedBody = new("request.malformed_body", OAuthConstants.Errors.InvalidRequest);

    /// <summary>400: RFC 6749 §3.2, a parameter sent more than once.</summary>
    public static readonly Check DuplicateParameter = new("request.duplicate_parameter", OAuthConstants.Errors.InvalidRequest);

    /// <summary>405: an OAuth endpoint called with another method than POST.</summary>
    public static readonly Check MethodNotAllowed = new("request.method_not_allowed", OAuthConstants.Errors.InvalidRequest);

    /// <summary>400: introspection or revocation with <c>access_token</c> in the body beside the caller's authentication (RFC 6750 §2).</summary>
    public static readonly Check AccessTokenInBody = new("request.access_token_in_body", OAuthConstants.Errors.InvalidRequest);

    /// <summary>400: introspection or revocation without the <c>token</c> parameter.</summary>
    public static readonly Check TokenMissing = new("request.token_missing", OAuthConstants.Errors.InvalidRequest);

}
