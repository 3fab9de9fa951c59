using Mandate.Core.Protocol;

namespace Mandate.Server.Http;

/// <summary>
/// How a calling workload failed to authenticate (RFC 6749 §5.2 <c>invalid_client</c>, 401): on introspection and
/// revocation by its workload identity JWT as a bearer token, or its X.509-SVID over mTLS; at the token endpoint by a
/// method Mandate does not accept. A malformed attempt is <c>invalid_request</c> (400) instead.
/// </summary>
public static class ClientChecks
{
    /// <summary>Neither a client certificate nor exactly one <c>Authorization: Bearer</c> header.</summary>
    public static readonly Check CredentialsMissing = new("client.credentials_missing", OAuthConstants.Errors.InvalidClient);

    /// <summary>
    /// On introspection and revocation: more than one <c>Authorization</c> header. RFC 6749 §5.2 answers a request that
    /// "utilizes more than one mechanism for authenticating the client, or is otherwise malformed" with invalid_request.
    /// </summary>
    public static readonly Check AuthorizationRepeated = new("client.authorization_repeated", OAuthConstants.Errors.InvalidRequest);

    /// <summary>The client certificate is not a valid X.509-SVID of a trusted domain (RFC 8705 §2.1.2 style).</summary>
    public static readonly Check CertificateInvalid = new("client.certificate_invalid", OAuthConstants.Errors.InvalidClient);

    /// <summary>
    /// At the token endpoint: an Authorization header, client_secret or a client assertion (<see cref="TokenClientAuthentication"/>);
    /// at introspection and revocation: client_secret or a client assertion beside the workload identity (<see cref="WorkloadTokenRequest"/>).
    /// </summary>
    public static readonly Check AuthenticationUnsupported = new("client.authentication_unsupported", OAuthConstants.Errors.InvalidClient);

    /// <summary>On introspection and revocation: the client certificate and the bearer workload token name different workloads.</summary>
    public static readonly Check IdentitiesDiffer = new("client.identities_differ", OAuthConstants.Errors.InvalidClient);

    /// <summary>The bearer workload identity JWT did not attest (issuer, signature, expiry, audience...).</summary>
    public static readonly Check WorkloadTokenInvalid = new("client.workload_token_invalid", OAuthConstants.Errors.InvalidClient);
}
