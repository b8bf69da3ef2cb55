namespace Chat.Presence;

/// <summary>Identifies a message frame so a connection can keep order and skip what it already sent.</summary>
public sealed record PushedMessage(string MessageId, string ConversationId, long SequenceNumber);

/// <summary>A server frame (UTF-8 JSON) for some users' sockets on one gateway node.</summary>
public sealed record Push(IReadOnlyList<string> Usernames, byte[] Frame, PushedMessage? Message = null);

/// <summary>Carries pushes to the gateway node that holds the sockets (in-process now; Redis pub/sub in distributed mode).</summary>
public interface IPushBus
{
    Task PublishAsync(string node, IReadOnlyList<Push> pushes, CancellationToken cancellationToken = default);

    /// <summary>Delivers what is published to <paramref name="node"/> to <paramref name="handler"/> until disposed.</summary>
    IDisposable Subscribe(string node, Func<IReadOnlyList<Push>, Task> handler);
}
