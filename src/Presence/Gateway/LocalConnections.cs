using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Chat.Shared;

namespace Chat.Presence.Gateway;

/// <summary>The sockets this node holds, by user.</summary>
internal sealed class LocalConnections(IMeterFactory meters)
{
    private readonly ConcurrentDictionary<string, ConcurrentDictionary<string, ClientConnection>> _byUser = new(StringComparer.Ordinal);

    private readonly UpDownCounter<long> _open =
        meters.CreateChatMeter().CreateUpDownCounter<long>("chat.websocket.connections", description: "Open WebSocket connections on this node");

    public int Count => _byUser.Values.Sum(c => c.Count);

    public void Add(ClientConnection connection)
    {
        if (_byUser.GetOrAdd(connection.Username, _ => new()).TryAdd(connection.Id, connection)) _open.Add(1);
    }

    public void Remove(ClientConnection connection)
    {
        if (_byUser.TryGetValue(connection.Username, out var connections) && connections.TryRemove(connection.Id, out _)) _open.Add(-1);
    }

    public IEnumerable<ClientConnection> All() => _byUser.Values.SelectMany(c => c.Values);

    public IEnumerable<ClientConnection> Of(string username) =>
        _byUser.TryGetValue(username, out var connections) ? connections.Values : [];

    /// <summary>Hands each push to every socket of its users here.</summary>
    public Task DispatchAsync(IReadOnlyList<Push> pushes)
    {
        foreach (var push in pushes)
            foreach (var connection in push.Usernames.SelectMany(Of))
                if (push.Message is null) connection.Send(push.Frame);
                else connection.Deliver(push);
        return Task.CompletedTask;
    }
}

/// <summary>Subscribes this node to its pushes for as long as the process runs.</summary>
internal sealed class GatewayNode(IPushBus bus, LocalConnections connections, Microsoft.Extensions.Options.IOptions<PresenceOptions> options) : IHostedService
{
    private IDisposable? _subscription;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _subscription = bus.Subscribe(options.Value.NodeId, connections.DispatchAsync);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        _subscription?.Dispose();
        return Task.CompletedTask;
    }
}
