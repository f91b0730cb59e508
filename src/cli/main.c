/* sanxiang: command-line entry; dispatches to one function per subcommand. */
#include <stdio.h>
#include <string.h>

int main(int argc, char **argv)
{
    if (argc < 2 || strcmp(argv[1], "--help") == 0) {
        printf("用法: sanxiang <命令> [选项]\n");
        return argc < 2 ? 2 : 0;
    }
    fprintf(stderr, "sanxiang: 未知命令: %s\n", argv[1]);
    return 2;
}
