using Chat.Media;
using Chat.Shared.Http;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddChatAuthentication();
builder.AddMedia();

var app = builder.Build();
app.UseServiceDefaults();
app.RunOrExplain();
