using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Connections.Features;

namespace Mandate.Server.WorkloadApi;

/// <summary>
/// Marks connections accepted on the workload socket and captures the caller's peer credentials once, at
/// accept time. Endpoints use the mark to serve the workload API only there, and the admin API never there.
/// </summary>
internal sealed class WorkloadConnection
{
    private WorkloadConnection(PeerCredentials? peer, string? failure)
    {
        Peer = peer;
        Failure = failure;
    }

    public PeerCredentials? Peer { get; }

    /// <summary>Why <see cref="Peer"/> is null.</summary>
    public string? Failure { get; }

    /// <summary>Kestrel connection middleware for the workload listener.</summary>
    public static ConnectionDelegate Mark(ConnectionDelegate next) => context =>
    {
        var peer = PeerCredentials.Read(context.Features.Get<IConnectionSocketFeature>()?.Socket, out var failure);
        context.Features.Set(new WorkloadConnection(peer, failure));
        return next(context);
    };
}
