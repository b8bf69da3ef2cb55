namespace Chat.Presence;

/// <summary>Sends frames to users wherever they are connected: asks presence for their nodes, then publishes per node.</summary>
public sealed class LivePush(IPresence presence, IPushBus bus)
{
    /// <summary>Users who are offline are skipped: what matters to them waits in the store.</summary>
    public async Task SendAsync(IReadOnlyList<Push> pushes, CancellationToken cancellationToken = default)
    {
        if (pushes.Count == 0) return;
        var states = await presence.GetManyAsync(pushes.SelectMany(p => p.Usernames), cancellationToken);
        var nodesOf = states.Where(s => s.Online).ToDictionary(s => s.Username, s => s.Nodes);
        if (nodesOf.Count == 0) return;
        var perNode = new Dictionary<string, List<Push>>();
        foreach (var push in pushes)
            foreach (var group in push.Usernames.Where(nodesOf.ContainsKey).SelectMany(u => nodesOf[u].Select(n => (Node: n, User: u))).GroupBy(x => x.Node))
            {
                if (!perNode.TryGetValue(group.Key, out var list)) perNode[group.Key] = list = [];
                list.Add(push with { Usernames = group.Select(x => x.User).ToList() });
            }
        await Task.WhenAll(perNode.Select(n => bus.PublishAsync(n.Key, n.Value, cancellationToken)));
    }

    public Task SendAsync(IReadOnlyList<string> usernames, byte[] frame, CancellationToken cancellationToken = default) =>
        SendAsync([new Push(usernames, frame)], cancellationToken);
}
