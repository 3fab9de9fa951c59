namespace Mandate.Client;

/// <summary>Ready-made <see cref="IWorkloadIdentitySource"/>s.</summary>
public static class WorkloadIdentity
{
    /// <summary>Reads the token from a file each time (e.g. the JWT-SVID a SPIRE agent or Kubernetes keeps fresh).</summary>
    public static IWorkloadIdentitySource FromFile(string path) => new Callback(async ct => (await File.ReadAllTextAsync(path, ct)).Trim());

    /// <summary>Asks a callback each time.</summary>
    public static IWorkloadIdentitySource From(Func<CancellationToken, ValueTask<string>> getToken) => new Callback(getToken);

    private sealed class Callback(Func<CancellationToken, ValueTask<string>> getToken) : IWorkloadIdentitySource
    {
        public ValueTask<string> GetTokenAsync(CancellationToken cancellationToken) => getToken(cancellationToken);
    }
}
