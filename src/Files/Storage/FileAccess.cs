using Chat.Shared.Http;
using Chat.Storage;

namespace Chat.Files;

public static class FileAccess
{
    /// <summary>
    /// The uploader (or a client acting for them), and members of every conversation a message
    /// carried the file to, may read and send it on.
    /// </summary>
    public static async Task<bool> MayReadAsync(this FileRecord file, Caller caller, IMessageStore messages, CancellationToken cancellationToken)
    {
        if (file.Owner == caller.Subject || caller.MayActAs(file.Owner)) return true;
        foreach (var conversationId in file.SharedIn)
            if (await messages.FindConversationAsync(conversationId, cancellationToken) is { } conversation && conversation.Members.Any(caller.MayActAs))
                return true;
        return false;
    }
}
