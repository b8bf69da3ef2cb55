using Chat.Auth;
using Chat.Storage;

namespace Chat.Presence.Gateway;

/// <summary>
/// Messages read from the store (the backlog on connect, <c>sync</c>) as <c>message.new</c> frames for one
/// connection, a deleted account in them reading "deleted user" as in history (<see cref="Attribution"/>).
/// </summary>
internal sealed class StoredMessageFrames(Attribution attribution)
{
    /// <summary>How many were sent (not sent already on this connection).</summary>
    public async Task<int> SendAsync(ClientConnection connection, IReadOnlyList<StoredMessage> messages, CancellationToken cancellationToken)
    {
        var shown = await attribution.OfAsync(messages.Select(m => PublicMessage.Of(m, connection.Username)).ToList(), cancellationToken);
        var sent = 0;
        for (var i = 0; i < messages.Count; i++)
            if (connection.SendIfNew(Frames.MessageNew(shown[i]), new PushedMessage(messages[i].MessageId, messages[i].ConversationId, messages[i].SequenceNumber)))
                sent++;
        return sent;
    }
}
