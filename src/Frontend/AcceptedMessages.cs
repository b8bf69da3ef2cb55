using Chat.Storage;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;

namespace Chat.Frontend;

/// <summary>
/// Messages this process accepted recently, so their status reads "accepted" while the Router
/// has not stored them yet (instead of a puzzling 404). Memory only: a restart forgets them.
/// </summary>
internal sealed class AcceptedMessages(IMemoryCache cache, IOptions<MessagesOptions> options)
{
    public void Remember(NewMessage message) => cache.Set(Key(message.MessageId), message, options.Value.AcceptedMemory);

    public NewMessage? Find(string messageId) => cache.TryGetValue(Key(messageId), out NewMessage? message) ? message : null;

    private static string Key(string messageId) => "accepted:" + messageId;
}
