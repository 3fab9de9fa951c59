using System.Net.Http.Headers;

namespace Mandate.Client;

/// <summary>
/// Attaches the run's credential for one tool to every outgoing request, so tool wrappers never see or
/// store a credential. Use one handler (one HttpClient) per tool per run. A DPoP-bound credential is sent
/// as <c>Authorization: DPoP</c> with a fresh proof for that request (RFC 9449 §7.1); others as <c>Bearer</c>.
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
        if (!credential.IsDpopBound)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", credential.AccessToken);
            return await base.SendAsync(request, cancellationToken);
        }

        var dpop = _run.Client.Dpop ?? throw new InvalidOperationException("the broker issued a DPoP-bound credential to a client without a DpopKey");
        var url = request.RequestUri ?? throw new InvalidOperationException("the request has no URI");
        if (!url.IsAbsoluteUri)
        {
            throw new InvalidOperationException("a DPoP proof names the absolute request URL; give the HttpClient a BaseAddress or use absolute URIs");
        }

        // §7.1: the token goes under the DPoP scheme, with a proof for this method and URL carrying ath.
        request.Headers.Authorization = new AuthenticationHeaderValue("DPoP", credential.AccessToken);
        request.Headers.Remove("DPoP");
        request.Headers.Add("DPoP", dpop.ResourceProof(request.Method, url, credential.AccessToken));
        return await base.SendAsync(request, cancellationToken);
    }
}
