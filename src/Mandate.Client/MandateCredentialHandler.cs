using System.Net.Http.Json;

namespace Mandate.Client;

/// <summary>
/// Attaches the run's credential for one tool to every outgoing request, so tool wrappers never see or
/// store a credential. Use one handler (one HttpClient) per tool per run. A DPoP-bound credential is sent
/// as <c>Authorization: DPoP</c> with a fresh proof for that request (RFC 9449 §7.1); others as <c>Bearer</c>.
/// A tool's <c>DPoP-Nonce</c> is remembered per origin for later proofs, and a 401 <c>use_dpop_nonce</c> is retried
/// once with a proof carrying it (§9) when the request's content can be sent twice (none, bytes or a string, form or
/// JSON content); a request with stream content gets the 401 back, and its caller's retry carries the nonce.
/// </summary>
public sealed class MandateCredentialHandler : DelegatingHandler
{
    private readonly MandateRun _run;
    private readonly string _tool;
    private readonly IReadOnlyList<string> _scopes;

    /// <param name="run">The run the calls belong to.</param>
    /// <param name="tool">The tool's resource URI or name.</param>
    /// <param name="scopes">The operations calls through this client need.</param>
    public MandateCredentialHandler(MandateRun run, string tool, IReadOnlyList<string> scopes)
    {
        _run = run;
        _tool = tool;
        _scopes = scopes;
    }

    /// <summary>Sets <c>Authorization</c> (and for DPoP-bound credentials the <c>DPoP</c> proof), then sends.</summary>
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var credential = await _run.GetIssuedCredentialAsync(_tool, _scopes, cancellationToken);
        CredentialAttachment.Apply(request, credential, _run);
        var response = await base.SendAsync(request, cancellationToken);
        if (!CredentialAttachment.RememberNonce(request, response, credential, _run) || !CredentialAttachment.IsUseNonce(response)
            || !CanResend(request.Content))
        {
            return response;
        }

        // RFC 9449 §9: the tool demands its nonce; one retry with a fresh proof carrying it, never a loop.
        response.Dispose();
        CredentialAttachment.Apply(request, credential, _run);
        var retried = await base.SendAsync(request, cancellationToken);
        CredentialAttachment.RememberNonce(request, retried, credential, _run);
        return retried;
    }

    /// <summary>Content that holds its bytes (or serializes its value again) can be sent twice; a stream is read once.</summary>
    private static bool CanResend(HttpContent? content) => content is null or ByteArrayContent or ReadOnlyMemoryContent or JsonContent;
}
