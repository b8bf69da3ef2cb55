using System.ComponentModel.DataAnnotations;

namespace Chat.Media;

/// <summary>Section <c>Media</c>.</summary>
public sealed class MediaOptions
{
    public const string Section = "Media";

    [Required(ErrorMessage = "expected a consumer group name, like chat-media.")]
    public string ConsumerGroup { get; set; } = "chat-media";

    /// <summary>The thumbnail's longest side, in pixels (a smaller image keeps its size).</summary>
    [Range(16, 4096)]
    public int ThumbnailSize { get; set; } = 320;

    /// <summary>An image with more pixels than this is not decoded (a decompression bomb declares a huge size in a few bytes): its thumbnail is <c>failed</c>.</summary>
    [Range(1, 1_000_000_000)]
    public long MaxPixels { get; set; } = 100_000_000;
}
