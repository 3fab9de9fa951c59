using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Connections.Features;

namespace Mandate.Server.WorkloadApi;

/// <summary>
/// Marks connections accepted on the workload sockets and captures the caller's peer credentials once, at
/// accept time. Endpoints use the mark to serve each workload API only on its socket, and the admin API never there.
/// </summary>
internal sealed class WorkloadConnection
{
    private WorkloadConnection(PeerCredentials? peer, string? failure, bool spiffeEndpoint)
    {
        Peer = peer;
        Failure = failure;
        SpiffeEndpoint = spiffeEndpoint;
    }

    public PeerCredentials? Peer { get; }

    /// <summary>Why <see cref="Peer"/> is null.</summary>
    public string? Failure { get; }

    /// <summary>True on the SPIFFE Workload API's socket (gRPC), false on the JSON workload API's.</summary>
    public bool SpiffeEndpoint { get; }

    /// <summary>Kestrel connection middleware for the JSON workload API's listener.</summary>
    public static ConnectionDelegate Mark(ConnectionDelegate next) => MarkAs(next, spiffeEndpoint: false);

    /// <summary>Kestrel connection middleware for the SPIFFE Workload API's listener.</summary>
    public static ConnectionDelegate MarkSpiffeEndpoint(ConnectionDelegate next) => MarkAs(next, spiffeEndpoint: true);

    private static ConnectionDelegate MarkAs(ConnectionDelegate next, bool spiffeEndpoint) => context =>
    {
        var peer = PeerCredentials.Read(context.Features.Get<IConnectionSocketFeature>()?.Socket, out var failure);
        context.Features.Set(new WorkloadConnection(peer, failure, spiffeEndpoint));
        return next(context);
    };
}
