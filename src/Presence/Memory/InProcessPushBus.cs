using System.Collections.Concurrent;

namespace Chat.Presence.Memory;

/// <summary>Every node lives in this process: publishing is calling the node's handler.</summary>
internal sealed class InProcessPushBus : IPushBus
{
    private readonly ConcurrentDictionary<string, Func<IReadOnlyList<Push>, Task>> _nodes = new();

    public Task PublishAsync(string node, IReadOnlyList<Push> pushes, CancellationToken cancellationToken = default) =>
        _nodes.TryGetValue(node, out var handler) ? handler(pushes) : Task.CompletedTask;

    public IDisposable Subscribe(string node, Func<IReadOnlyList<Push>, Task> handler)
    {
        if (!_nodes.TryAdd(node, handler)) throw new InvalidOperationException($"Node '{node}' already has a subscriber.");
        return new Unsubscriber(() => _nodes.TryRemove(node, out _));
    }

    private sealed class Unsubscriber(Action dispose) : IDisposable
    {
        public void Dispose() => dispose();
    }
}
