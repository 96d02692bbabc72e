from mockmic.cli import main

main()
