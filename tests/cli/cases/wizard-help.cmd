virtshare wizard --help
